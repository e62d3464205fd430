"""The staff web console (`aduan web`): register, review, follow-up, reports, in a browser."""
