"""Alert rules: what fires (air warnings, observed heavy pollution, river exceedances and incidents, data outages),
its inputs and thresholds (rules.yaml), and the lifecycle of each alert (issued, upgraded, lifted, retracted)."""
