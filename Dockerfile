# syntax=docker/dockerfile:1
# Seamless in a container: a static binary on a distroless base, run as a
# user without privileges. Build with `docker build -t seamless .` or let
# `docker compose up` do it.

FROM golang:1.26 AS build
WORKDIR /src
# Modules first, so that a change to the code reuses the download layer.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The same command as `make build`; the templ output is committed, so no
# generate step is needed.
RUN CGO_ENABLED=0 go build -trimpath -o bin/seamless ./cmd/seamless

# distroless/static has no shell, package manager or curl: only CA
# certificates, time zone data and the nonroot user (uid 65532).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/bin/seamless /usr/local/bin/seamless
USER nonroot:nonroot
ENV ADDR=:8080
EXPOSE 8080 9090
# The binary checks itself: GET /healthz at the port of ADDR.
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/seamless", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/seamless"]
CMD ["serve"]
