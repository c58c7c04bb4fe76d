"""The accountability ledger (alerts.ledger) and receipt acknowledgements (`envmon ack`)."""
