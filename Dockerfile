# syntax=docker/dockerfile:1
# The pricing_site image: gunicorn on port 5000. Compose runs it as web, worker, beat and migrate.

# --- Build: wheels for every requirement (compilers stay in this stage) -----------------------
FROM python:3.13-alpine AS build
RUN apk add --no-cache build-base gfortran openblas-dev linux-headers libffi-dev
WORKDIR /build
COPY requirements.lock .
RUN pip wheel --no-cache-dir --require-hashes --wheel-dir /wheels -r requirements.lock

# --- Runtime: the wheels, the code, collected static files, a non-root user ------------------
FROM python:3.13-alpine
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=5000
# OpenMP and C++ runtimes of numpy/scipy/scikit-learn; curl for the health check.
RUN apk add --no-cache libgomp libstdc++ openblas curl \
    && addgroup -S -g 10001 pricing && adduser -S -u 10001 -G pricing -h /app pricing
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links=/wheels /wheels/* && rm -rf /wheels
WORKDIR /app
COPY --chown=pricing:pricing . .
# A throwaway key for this build step only: settings refuse to start without one. GNU gettext
# compiles the Dutch and French catalogues, then leaves the image.
RUN apk add --no-cache --virtual .i18n gettext \
    && DJANGO_SECRET_KEY=build-only python manage.py compilemessages --ignore=".venv/*" \
    && apk del .i18n \
    && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --no-input \
    && mkdir -p /app/media && chown pricing:pricing /app/media
USER 10001:10001
EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["curl", "-fsS", "http://127.0.0.1:5000/healthz"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "pricing_site.wsgi"]
