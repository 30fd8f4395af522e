# bc_mock as a container: the mock on 0.0.0.0:8080, serving the bundled seed.
#
#   docker build -t bc-mock .
#   docker run --rm -p 127.0.0.1:8080:8080 bc-mock
#
# Configuration is the BC_MOCK_* environment (see `bc-mock --help`); arguments
# after the image name go to `bc-mock`. Custom fixtures: mount a folder and
# point BC_MOCK_FIXTURES at it (-v "$PWD/fixtures:/fixtures" -e BC_MOCK_FIXTURES=/fixtures).
# Authentication as BC Online's over https: `bc-mock --auth entra --tls --tls-ca-out /ca/ca.pem`
# with a volume at /ca (the folder belongs to the server's user, so a named volume is writable).
# Only the classic builder's syntax is used, so any Docker engine builds it.

# Stage 1: build the wheel (the bundled seed ships inside it, as bc_mock.default_fixtures)
# and install it with its dependencies into /install, so the final image holds
# neither the source tree nor build tools.
FROM python:3.12-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_ROOT_USER_ACTION=ignore
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bc_mock ./bc_mock
COPY fixtures ./fixtures
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels . \
    && pip install --no-cache-dir --prefix=/install /wheels/*.whl

# Stage 2: the runtime image.
FROM python:3.12-slim
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    BC_MOCK_HOST=0.0.0.0 \
    BC_MOCK_PORT=8080
COPY --from=build /install /usr/local
# where --tls-ca-out can write the CA certificate for clients (mount a volume there)
RUN mkdir /ca && chown 10001:10001 /ca
# A numeric user (no name needed): Kubernetes' runAsNonRoot can verify it without /etc/passwd.
USER 10001:10001
EXPOSE 8080
# Python only (the image has no curl); the port follows BC_MOCK_PORT, over http or https (--tls).
# A short interval, as CI jobs wait for "healthy" (their first check comes one interval after
# the start).
HEALTHCHECK --interval=5s --timeout=5s --start-period=5s --retries=3 \
    CMD ["python", "-m", "bc_mock.healthcheck"]
# Exec form: bc-mock is PID 1 and receives `docker stop`'s SIGTERM itself, and exits at once.
ENTRYPOINT ["bc-mock"]
