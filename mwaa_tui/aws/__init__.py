"""The AWS edge: the only package that talks to AWS."""
