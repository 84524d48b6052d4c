# The bot's container image: docs/deploy.md. Build: `make image` (needs a Docker engine).
#
# Two stages on the same slim Python: the first installs the pinned, hash-checked
# wheels into a virtual environment; the second copies that environment and the
# source, and nothing else. No compiler is installed in either (every locked
# dependency ships a wheel: --only-binary), so none is left behind. For fully
# repeatable builds, pin the base image by digest: PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:…
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv --without-pip /opt/venv
COPY deployment/requirements.lock /tmp/requirements.lock
RUN python -m pip --python /opt/venv/bin/python install \
        --require-hashes --no-deps --only-binary=:all: -r /tmp/requirements.lock
WORKDIR /app
# .dockerignore lets only the runtime packages through.
COPY . .
RUN /opt/venv/bin/python -m compileall -q /app

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="stora-arenden" \
      org.opencontainers.image.description="Teams bot for the Backoffice team's large customer cases"
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    STORA_PORT=3978 \
    STORA_LOG_FORMAT=json \
    STORA_WORKBOOK=/data/stora-arenden.xlsx \
    STORA_STATE_DIR=/data/state
RUN groupadd --system --gid 10001 bot \
 && useradd --system --uid 10001 --gid bot --home-dir /app --no-create-home --shell /usr/sbin/nologin bot \
 && mkdir /data && chown bot:bot /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
USER 10001:10001
VOLUME ["/data"]
EXPOSE 3978
# Alive = /healthz answers on the port the bot listens on (loopback works with or without an App ID).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('STORA_PORT', '3978') + '/healthz', timeout=4)"]
# python is PID 1 and gets SIGTERM itself: turns in flight and a scan under way finish first.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot"]
