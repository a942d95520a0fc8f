"""helm-bot: a GitOps bot that turns a service description into a validated Helm chart."""
