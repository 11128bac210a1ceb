"""The pure core: state and logic with no Textual and no network."""
