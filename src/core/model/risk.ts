/** How risky an operation is (docs/policy.md, Risk and confirmation): what decides its confirmation. */
export type Risk = 'read' | 'change' | 'danger';
