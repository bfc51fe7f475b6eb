/** The migrated database every test file clones (see global-setup.ts and database.ts). */
export const TEMPLATE_DATABASE = 'pms_test_template';
