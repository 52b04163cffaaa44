"""The command line: a module per command, each only parsing options into a
request for its pipeline stage and printing the result (``cjm.cli.app``)."""
