"""Talking to a chat-completions endpoint: settings, the guarded client, the bounded tool loop.

Nothing here knows about charts. ``bot.policy.llm`` gives each agent its model tools and prompts
and decides what to do when the model fails; this package only makes the calls safe to make:
bounded in iterations, tokens and time, retried politely, and cut off by a circuit breaker when
the endpoint is down.
"""
