-- The pipeline's stages (crm.models.Stage), in order.
select *
from (
    values
        ('new', 'New', 1, false, false),
        ('pending', 'Pending', 2, false, false),
        ('connected', 'Connected', 3, false, false),
        ('completed', 'Completed', 4, true, true),
        ('failed', 'Failed', 5, true, false)
) as stages (stage, label, stage_order, is_terminal, is_won)
