"""Operations that change state: they take the actor, check the rules, append history and flush.

They never commit: the HTTP handler or the task that called them commits once.
"""
