# The dashboard for a team: the same app, settings and privacy as the README's team command
# ("Sharing with colleagues"): usage statistics off, no outside asset, uploads kept in memory,
# websockets only for the name colleagues use (TCO_HOST), PDF reports by Debian's Chromium.
#   docker build -t tco . && docker run --rm -p 8501:8501 -e TCO_HOST="$(hostname -f)" tco
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TCO_HOST=localhost
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN python3 -m pip install -r requirements.txt
# app.py, tco/, data/ and .streamlit/config.toml (the privacy settings)
COPY . .
RUN useradd --create-home --uid 10001 tco
USER tco
EXPOSE 8501
CMD ["sh", "-c", "exec python3 -m streamlit run app.py --server.address 0.0.0.0 --server.allowedHosts \"$TCO_HOST\" --browser.serverAddress \"$TCO_HOST\""]
