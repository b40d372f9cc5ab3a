/**
 * The routing example from the issue, as data: IF type is Legal AND priority is
 * High THEN assign to the Legal team lead; ELSE IF channel is Email AND the
 * customer is VIP THEN route to the VIP queue. `vip` is a routing fact: true
 * when the SLA entitlement level (`case.sla.entitlement.level`) is vip/platinum.
 */
export const LEGAL_LEAD = 'legal-lead';

export const exampleRules = {
  rules: [
    {
      id: 'legal-high-to-lead',
      description: 'Legal and high priority: straight to the Legal team lead',
      when: {
        all: [
          { fact: 'type', operator: 'equal', value: 'legal' },
          { fact: 'priority', operator: 'equal', value: 'high' },
        ],
      },
      then: { assignee: LEGAL_LEAD, queue: 'legal' },
    },
    {
      id: 'vip-email',
      description: 'VIP customers writing by email go to the VIP queue',
      when: {
        all: [
          { fact: 'channel', operator: 'equal', value: 'email' },
          { fact: 'vip', operator: 'equal', value: true },
        ],
      },
      then: {
        queue: 'vip',
        skills: [
          { skill: 'vip-care', level: 3 },
          { skill: 'spanish', level: 5, optional: true },
        ],
      },
    },
  ],
};
