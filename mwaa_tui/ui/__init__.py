"""The Textual front end: widgets draw what they are given."""
