// Types of bail-environment.js for the tests that import it (jest loads the environment untransformed).
export const TEST_FILES: string;
export interface CircusBlock { name: string; parent?: CircusBlock | undefined }
export function fullName(test: CircusBlock): string;
