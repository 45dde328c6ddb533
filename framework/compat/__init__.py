"""The API of the original ``image_stats`` script, delegating to camchar (``from camchar import image_stats``)."""
