"""CLI commands that live in their own modules; see COMMAND_MODULES in cjm.cli."""
