"""What a failed run's e-mail and summary say: the failing step's own error (its file and cause), not Dagster's
"Steps failed: [...]"."""

import re

import dagster as dg


def failure_of(instance: dg.DagsterInstance, run_id: str) -> str:
    """The failing step's own error in one line (or why the run failed: a resource that refused to start, e.g. a
    production run fed by the generator, says its own line)."""
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        error = innermost(record.dagster_event.step_failure_data.error)
        return f"{record.step_key}: {one_line(message_of(error) if error else record.message or '')}"
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_FAILURE):
        error = innermost(getattr(record.dagster_event.event_specific_data, "error", None))
        if error is not None and error.cls_name == "Failure":  # raised on purpose, with the fix in its message
            return one_line(message_of(error))
        return (record.message or "run failed").strip().splitlines()[0]
    return "failed (no step failure recorded)"


def innermost(error):
    """The user code's exception, not Dagster's wrappers around it."""
    while error and error.cause:
        error = error.cause
    return error


def message_of(error) -> str:
    """The error's message; a ``dg.Failure``'s without the dotted class name Dagster puts before it ('<module
    path>.Failure: text'): raised on purpose, its text is the whole story."""
    return re.sub(r"^[\w.]*\bFailure: ", "", error.message) if error.cls_name == "Failure" else error.message


def one_line(message: str, limit: int = 300) -> str:
    """The message on one line: a first line that announces the rest ("1 blocking asset check failed ...:") keeps
    what it announces (which checks), then the line is cut at ``limit`` characters."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if not lines:
        return "failed"
    text = f"{lines[0]} {'; '.join(lines[1:])}" if lines[0].endswith(":") and len(lines) > 1 else lines[0]
    return text if len(text) <= limit else text[: limit - 1] + "…"
