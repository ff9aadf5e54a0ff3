"""The command line: the Typer app, the quick route, commands, rendering once, writing."""
