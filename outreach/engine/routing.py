"""Where each task runs (CELERY_TASK_ROUTES).

Browser tasks go to the queue of their account ("account.<id>"), which exactly one solo worker
process consumes (`manage.py run_browser_workers`): one browser per account, one action at a time.
Qualifier and LLM work have their own queues so neither can hold up a browser.
"""

BROWSER_TASKS = frozenset({"outreach.tasks.tick_account", "outreach.tasks.test_login"})
QUEUE_BY_TASK = {
    "outreach.tasks.tick_campaign": "qualifier",
    "outreach.tasks.compose_followup": "llm",
    "outreach.tasks.refill_keywords": "llm",
    "outreach.tasks.tick": "default",
    "qualifier.refit_campaign": "qualifier",
    "qualifier.embed_pending": "qualifier",
    "qualifier.qualify_next": "llm",
    "analytics.tasks.rebuild_analytics": "analytics",
}


def account_queue(account_id: int) -> str:
    return f"account.{account_id}"


def route_task(name: str, args, kwargs, options, task=None, **kw) -> dict | None:
    if name in BROWSER_TASKS:
        account_id = (kwargs or {}).get("account_id", args[0] if args else None)
        if account_id is not None:
            return {"queue": account_queue(int(account_id))}
    if name in QUEUE_BY_TASK:
        return {"queue": QUEUE_BY_TASK[name]}
    return None
