try:
    from mwaa_tui.entry import run

    code = run()
except KeyboardInterrupt:  # before run() could catch it
    code = 130
raise SystemExit(code)
