// The app framework's app.schema.json compiled by Ajv at build time (scripts/build.mjs).
declare module 'virtual:app-schema-validator' {
  interface SchemaError { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }
  const validate: ((data: unknown) => boolean) & { errors?: SchemaError[] | null };
  export default validate;
}
