"""The daily briefing (日报): its figures (``content``), its text (``text``), its files (``pdf``,
``docx``, ``charts``) and its sign-off (``archive``)."""
