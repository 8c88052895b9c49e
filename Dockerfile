# citycert's container image: the app server (gunicorn); the same image runs the task worker
# (`citycert db_worker`) and the daily tasks (`citycert daily`). docs/deploy.md says how.
# Built from uv.lock exactly (`uv sync --locked --no-dev`), with the s3 extra for object storage.

FROM python:3.12.12-slim-bookworm AS build
# compilemessages needs msgfmt; Debian stable's version is the one security updates follow.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv==0.13.9
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --extra s3 --no-install-project
COPY src ./src
RUN uv sync --locked --no-dev --extra s3
WORKDIR /app/src/citycert
RUN /app/.venv/bin/python -m django compilemessages -v 0
WORKDIR /app
# Static files are hashed and compressed once, here (WhiteNoise serves them); the key is a
# throwaway that only lets the settings load.
RUN DEBUG=false SECRET_KEY=collectstatic-only STATIC_ROOT=/app/static \
    CITYCERT_VAR_DIR=/tmp/var /app/.venv/bin/citycert collectstatic --no-input -v 0

FROM python:3.12.12-slim-bookworm
# WeasyPrint (report PDFs): Pango, HarfBuzz's subsetter, a font with the accents of es, pt, fr;
# libmagic for checking uploaded files.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core libmagic1 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 citycert \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin citycert
WORKDIR /app
COPY --from=build /app/.venv /app/.venv
COPY --from=build /app/src /app/src
COPY --from=build /app/static /app/static
RUN mkdir -p /app/var && chown 10001:10001 /app/var
ENV PATH=/app/.venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=citycert.settings \
    CITYCERT_VAR_DIR=/app/var \
    STATIC_ROOT=/app/static \
    PYTHONUNBUFFERED=1
# The citycert account made above, by number (no name lookup at run time).
USER 10001:10001
EXPOSE 8000
# Liveness: the process answers (ALLOWED_HOSTS must include 127.0.0.1 for this check).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=4).status != 200)"]
CMD ["gunicorn", "citycert.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--no-control-socket"]
