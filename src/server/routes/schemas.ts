/** JSON schemas shared by several routes, for validation, serialisation and the OpenAPI document. */
export const countsSchema = {
  type: ['object', 'null'],
  properties: {
    excepted: { type: 'integer' },
    unknown: { type: 'integer' },
    compliant: { type: 'integer' },
    violating: { type: 'integer' },
    overdue: { type: 'integer' },
    inScope: { type: 'integer' },
  },
} as const;

export const exceptionSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    banId: { type: 'string' },
    subjects: {
      type: 'object',
      properties: {
        group: { type: 'string' },
        devices: { type: 'array', items: { type: 'string' } },
        holders: { type: 'array', items: { type: 'string' } },
      },
    },
    reason: { type: 'string' },
    status: { type: 'string' },
    requestedBy: { type: ['string', 'null'] },
    approvedBy: { type: ['string', 'null'] },
    approvedAt: { type: ['string', 'null'] },
    startsAt: { type: ['string', 'null'] },
    expiresAt: { type: 'string' },
    lastDay: { type: 'string' },
    createdAt: { type: 'string' },
    revokedAt: { type: ['string', 'null'] },
    revokedBy: { type: ['string', 'null'] },
    inForce: { type: 'boolean' },
  },
} as const;
