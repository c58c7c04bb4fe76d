"""Errors in how a command was called (an unknown source, a missing folder, a bad date window): found before any
run starts, told in one or two lines that name the cause, the file and the fix, with exit code 2."""


class UsageError(ValueError):
    pass
