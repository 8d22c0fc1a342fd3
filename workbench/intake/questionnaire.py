"""The audit questionnaire: eleven layers of a sales system, a few questions each (from the seed method).

Answers go into ``intake.yaml``; each answer is a score from 0 (absent) to 2 (in place and working),
with an optional comment. The intake notebook and the scorecard build on this structure.
"""

from __future__ import annotations

QUESTIONNAIRE: dict[int, dict[str, object]] = {
    1: {
        "name": "Планирование",
        "questions": {
            "plan_exists": "Есть ли финансовый план отдела продаж на год и месяц?",
            "personal_plans": "Есть ли личный план продаж у каждого менеджера?",
            "stage_plan": "Разложен ли план по этапам воронки: лиды, конверсии, средний чек?",
            "weekly_plan": "Разбит ли месячный план на недельные?",
        },
    },
    2: {
        "name": "Мотивация",
        "questions": {
            "variable_pay": "Зависит ли доход менеджера от выполнения личного плана?",
            "penalties": "Есть ли последствия (штрафы, депремирование) за невыполнение плана?",
            "non_money": "Есть ли нематериальная мотивация: конкурсы, признание, рост?",
        },
    },
    3: {
        "name": "Ресурсы",
        "questions": {
            "fulfilment": "Успевает ли производство или склад выполнить всё, что продано?",
            "automation": "Автоматизированы ли рутинные задачи менеджеров (документы, напоминания)?",
            "marketing_support": "Обеспечивает ли маркетинг нужный поток заявок?",
        },
    },
    4: {
        "name": "Управленческий цикл",
        "questions": {
            "weekly_meeting": "Проводится ли еженедельная планёрка по цифрам воронки?",
            "daily_kpi": "Есть ли у менеджеров дневные и недельные показатели?",
            "tote": "Корректируются ли действия внутри месяца по результатам недели (цикл TOTE)?",
        },
    },
    5: {
        "name": "Регулярные действия",
        "questions": {
            "activity_norms": "Есть ли нормы звонков и встреч на день и неделю?",
            "activity_control": "Контролируется ли их выполнение ежедневно?",
            "training": "Проводятся ли тренировки и ролевые игры по возражениям?",
        },
    },
    6: {
        "name": "Качество и точность действий",
        "questions": {
            "call_review": "Прослушиваются ли записи разговоров и разбираются ли ошибки?",
            "scripts": "Есть ли скрипты продаж и критерии перехода между этапами?",
            "crm_discipline": "Все ли сделки, этапы и причины отказа фиксируются в CRM?",
        },
    },
    7: {
        "name": "Конкуренты",
        "questions": {
            "competitor_monitoring": "Отслеживаются ли цены и предложения конкурентов?",
            "value_proposition": "Сформулировано ли, чем компания лучше конкурентов?",
        },
    },
    8: {
        "name": "Репутация",
        "questions": {
            "reviews": "Отслеживаются ли отзывы клиентов и упоминания компании?",
            "security_checks": "Готова ли компания к проверке службой безопасности клиента?",
        },
    },
    9: {
        "name": "Сегментация клиентов",
        "questions": {
            "customer_records": "Ведётся ли учёт клиентов с историей покупок?",
            "abc": "Сегментированы ли клиенты по ABC с учётом потенциала?",
            "key_accounts": "Есть ли особая работа с ключевыми клиентами (класс A)?",
        },
    },
    10: {
        "name": "Отношения в команде",
        "questions": {
            "conflicts": "Нет ли конфликтов, мешающих передаче клиентов и информации?",
            "roles": "Понятны ли роли и зоны ответственности в отделе?",
        },
    },
    11: {
        "name": "Страхи",
        "questions": {
            "call_fear": "Не избегают ли менеджеры холодных звонков и сложных разговоров?",
            "price_fear": "Не дают ли менеджеры скидку раньше, чем клиент о ней попросит?",
        },
    },
}


def blank_intake() -> str:
    """intake.yaml with every layer's questions and empty answers."""
    lines = [
        "# Анкета аудита: 11 слоёв системы продаж.",
        "# Ответ: 0 — нет, 1 — есть частично или не работает, 2 — есть и работает; comment — пояснение.",
        "layers:",
    ]
    for number, layer in QUESTIONNAIRE.items():
        lines.append(f"  {number}:  # {layer['name']}")
        for key, question in layer["questions"].items():  # type: ignore[union-attr]
            lines.append(f"    {key}:  # {question}")
            lines.append("      score: null")
            lines.append('      comment: ""')
    return "\n".join(lines) + "\n"
