# syntax=docker/dockerfile:1
# One image for every Adaptdesk service: gunicorn web, Celery worker and beat, migrations, the CLI.
# Runtime dependencies only (no test extras); machine translation through the slim argos-translate-lt
# (CTranslate2 + SentencePiece, no PyTorch). Models are not baked in: they live in the /models volume.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
WORKDIR /app
# Dependencies first, from pyproject.toml alone, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt
COPY workflow ./workflow
COPY workers ./workers
COPY templates ./templates
# Editable: the app finds templates/ next to its packages (/app), as in a checkout.
RUN pip install --no-deps -e . && python -m compileall -q workflow workers

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    ADAPTDESK_ENV=production \
    ADAPTDESK_DATA_DIR=/data \
    ARGOS_PACKAGES_DIR=/models \
    XDG_DATA_HOME=/home/adaptdesk/.local/share \
    XDG_CONFIG_HOME=/home/adaptdesk/.config \
    XDG_CACHE_HOME=/home/adaptdesk/.cache
RUN groupadd --system --gid 10001 adaptdesk \
    && useradd --system --uid 10001 --gid adaptdesk --home-dir /home/adaptdesk --create-home \
        --shell /usr/sbin/nologin adaptdesk \
    && mkdir -p /data /models \
    && chown adaptdesk:adaptdesk /data /models
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
USER adaptdesk
# /models is owned by adaptdesk, so a new named volume mounted there (compose's `models`) is writable.
EXPOSE 8000
# docker-compose.yml runs each service with its own command; this default serves the web app.
CMD ["gunicorn", "workflow:create_app()", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", \
     "--worker-tmp-dir", "/dev/shm", "--logger-class", "workflow.logging_setup.GunicornLogger", \
     "--no-control-socket"]
