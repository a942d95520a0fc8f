"""The coordinator's judgement of a parsed request: its rating (``complexity``), its
problems (``checks``) and the defaults taken for what it leaves open (``assumptions``)."""
