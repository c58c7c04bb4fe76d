"""What a failed run's e-mail and summary say: the failing step's own error (its file and cause), not Dagster's
"Steps failed: [...]"."""

import dagster as dg


def failure_of(instance: dg.DagsterInstance, run_id: str) -> str:
    """The failing step's own error in one line (or why the run failed)."""
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        error = record.dagster_event.step_failure_data.error
        while error and error.cause:  # the user code's exception, not Dagster's wrapper around it
            error = error.cause
        return f"{record.step_key}: {one_line(error.message if error else record.message or '')}"
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_FAILURE):
        return (record.message or "run failed").strip().splitlines()[0]
    return "failed (no step failure recorded)"


def one_line(message: str, limit: int = 300) -> str:
    """The message on one line: a first line that announces the rest ("1 blocking asset check failed ...:") keeps
    what it announces (which checks), then the line is cut at ``limit`` characters."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if not lines:
        return "failed"
    text = f"{lines[0]} {'; '.join(lines[1:])}" if lines[0].endswith(":") and len(lines) > 1 else lines[0]
    return text if len(text) <= limit else text[: limit - 1] + "…"
