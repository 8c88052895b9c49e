"""Static files in production: names with a hash of their content, kept by browsers for ever;
other names for a short time only (WhiteNoise, behind the manifest storage)."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import call_command
from django.test import Client, override_settings


def test_a_hashed_static_file_is_cached_for_ever(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "source"
    (source / "citycert").mkdir(parents=True)
    (source / "citycert" / "example.css").write_text("body { color: #1b1b1b }\n" * 40)
    root = tmp_path / "root"
    with override_settings(
        DEBUG=False,
        STATIC_ROOT=root,
        STATICFILES_DIRS=[source],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "citycert.staticfiles.StaticFilesStorage"},
        },
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        hashed = next((root / "citycert").glob("example.*.css")).name
        assert re.fullmatch(r"example\.[0-9a-f]{12}\.css", hashed)
        client = Client()
        response = client.get(f"/static/citycert/{hashed}", HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        assert "immutable" in response["Cache-Control"]
        max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))  # type: ignore[union-attr]
        assert max_age >= 365 * 86400
        assert response["Content-Encoding"] == "gzip"  # compressed once, at collectstatic
        plain = client.get("/static/citycert/example.css")
        assert "immutable" not in plain["Cache-Control"]
        # Pages link the hashed name, worked out once per process and the same every time.
        from django.templatetags.static import static

        assert static("citycert/example.css") == f"/static/citycert/{hashed}"
        assert static("citycert/example.css") == f"/static/citycert/{hashed}"
