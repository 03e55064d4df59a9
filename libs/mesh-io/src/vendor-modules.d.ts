// The two CommonJS packages below ship no types: only what this library calls is declared.

declare module 'gltf-validator' {
  interface ValidationMessage {
    code: string;
    message: string;
    /** 0 error, 1 warning, 2 info, 3 hint */
    severity: 0 | 1 | 2 | 3;
    pointer?: string;
  }
  interface ValidationReport {
    validatorVersion: string;
    issues: {
      numErrors: number;
      numWarnings: number;
      numInfos: number;
      numHints: number;
      messages: ValidationMessage[];
      truncated: boolean;
    };
  }
  interface ValidationOptions {
    uri?: string;
    format?: 'glb' | 'gltf';
    maxIssues?: number;
    externalResourceFunction?: (uri: string) => Promise<Uint8Array>;
  }
  const validator: { validateBytes(data: Uint8Array, options?: ValidationOptions): Promise<ValidationReport>; version(): string };
  export default validator;
}

declare module 'draco3dgltf' {
  const draco3d: { createDecoderModule(options?: object): Promise<unknown> };
  export default draco3d;
}
