"""The `mwaa-tui` command: Ctrl-C while the program is still loading exits quietly (130).

Kept tiny on purpose: nothing is imported here before the `try`, so there is no moment
after start-up in which a KeyboardInterrupt could end in an import traceback.
"""


def run() -> int:
    try:
        from mwaa_tui.cli import main

        return main()
    except KeyboardInterrupt:
        return 130
