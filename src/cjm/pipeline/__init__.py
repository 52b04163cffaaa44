"""The pipeline: every command is a stage that takes a request object and
returns a result object, and never prints.

    inputs (files, folders, globs, -) -> project (cjm.yaml, checked) ->
    catalogues -> check (load -> schema -> rules -> policy) ->
    validate | render | fmt | diff | import/export | init | doctor

The command line (``cjm.cli``) only parses options into a request and turns
the result (or a ``cjm.diagnostics.errors.CjmError``) into output and an exit
code.
"""
