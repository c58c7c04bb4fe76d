"""Alert mail: rendering (Chinese first, then English), MIME, the persisted queue, transport and delivery."""
