"""The engine: lanes that drive campaigns on Celery, limits and claims that hold under races.

Modules: `limits` (daily/weekly limits and atomic action claims), `pacing` (working hours,
jittered lane intervals, Poisson gaps), `messages` (follow-up rendering), `lanes` (what one
account or campaign tick does), `kits` (partner campaign export/import), `control` (pause and
resume), `schedules` (the periodic tasks, declared once).
"""
