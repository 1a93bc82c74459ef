export * from './dependency-checks';
export * from './readiness';
