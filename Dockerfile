# syntax=docker/dockerfile:1
# entra-mail with PowerShell 7 and the ExchangeOnlineManagement module, so `--exchange run` works in a
# container (a runbook host, a CI job, scheduled rotation). From a checkout:
#   docker build -t entra-mail .
#   docker run --rm --env-file ./automation.env entra-mail status --auth env
# The image holds the package as `npm pack` makes it (one package, no dependencies), not the checkout.

# Stage 1: the package tarball, built from the sources (prepack runs the bundler).
FROM node:22-bookworm-slim AS pack
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
# No install scripts: the bundler needs none, and the grammar the sandbox uses is its WebAssembly file.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm pack --pack-destination /pack

# Stage 2: Node, pwsh and the installed package.
FROM node:22-bookworm-slim
# PowerShell from Microsoft's package repository, the way Microsoft documents it for Debian:
# https://learn.microsoft.com/powershell/scripting/install/install-debian
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates wget \
 && . /etc/os-release \
 && wget -q "https://packages.microsoft.com/config/debian/${VERSION_ID}/packages-microsoft-prod.deb" \
 && dpkg -i packages-microsoft-prod.deb \
 && rm packages-microsoft-prod.deb \
 && apt-get update \
 && apt-get install -y --no-install-recommends powershell \
 && apt-get purge -y wget \
 && rm -rf /var/lib/apt/lists/*
# The Exchange Online PowerShell module (Connect-ExchangeOnline) for every user of the image:
# https://learn.microsoft.com/powershell/exchange/exchange-online-powershell-v2
RUN pwsh -NoProfile -NonInteractive -Command \
    "Set-PSRepository -Name PSGallery -InstallationPolicy Trusted; Install-Module -Name ExchangeOnlineManagement -Scope AllUsers -Force"
COPY --from=pack /pack/ /tmp/pack/
RUN npm install -g --no-audit --no-fund /tmp/pack/entra-mail-*.tgz \
 && rm -rf /tmp/pack /root/.npm
USER node
WORKDIR /home/node
ENTRYPOINT ["entra-mail"]
CMD ["--help"]
