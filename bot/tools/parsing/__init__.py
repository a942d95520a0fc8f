"""Deterministic understanding of chart requests, one module per input shape or fact family.

People describe a service in prose, bullet lists, GitHub issue forms or pasted docker-compose
files. Each shape has its own reader here; all of them write into one ``Draft`` so that the
public entry points in ``bot.tools.requirements`` turn any mix of shapes into one
``Requirements``. Nothing here touches the network or an LLM: the same text always gives the
same facts.
"""
