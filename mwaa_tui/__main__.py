from mwaa_tui.cli import main

raise SystemExit(main())
