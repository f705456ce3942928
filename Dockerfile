# syntax=docker/dockerfile:1
# One image for every Adaptdesk service: gunicorn web, Celery worker, migrations, the CLI.
# Runtime dependencies only (no test extras), at the versions the tests ran (requirements/lock.txt, made
# for Linux and Python 3.11, as this image is); machine translation through the slim argos-translate-lt
# (CTranslate2 + SentencePiece, no PyTorch). Models are not baked in: they live in the /models volume.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
WORKDIR /src
# Dependencies first, from pyproject.toml and the lock alone, so code changes do not reinstall them.
COPY pyproject.toml ./
COPY requirements/lock.txt ./requirements/
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -c requirements/lock.txt -r /tmp/requirements.txt
COPY setup.py README.md ./
COPY workflow ./workflow
COPY workers ./workers
COPY templates ./templates
# The package itself, as a wheel installs it: templates, static files and migrations ship inside it.
RUN pip install --no-deps .

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
# The virtual environment holds everything: the sources are not copied into this stage.
COPY --from=build /opt/venv /opt/venv
WORKDIR /home/adaptdesk
USER adaptdesk
# /models is owned by adaptdesk, so a new named volume mounted there (compose's `models`) is writable.
EXPOSE 8000
# docker-compose.yml runs each service with its own command; this default serves the web app.
CMD ["gunicorn", "workflow:create_app()", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", \
     "--worker-tmp-dir", "/dev/shm", "--logger-class", "workflow.logging_setup.GunicornLogger", \
     "--no-control-socket"]
