import { execute, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { PreparedOperation } from './operation-pipeline.js';

type Compiled = CompiledQuery<unknown, Record<string, unknown>>;

/**
 * Runs prepared queries and mutations through graphql-jit: each operation is compiled
 * once into plain JavaScript (no per-field promise, argument or type look-up at run
 * time), then reused for as long as the pipeline keeps its document. An operation jit
 * cannot compile runs on graphql-js, with the same result.
 */
export class CompiledExecutor {
  /** Per document (the pipeline hands out one object per query text), per operation name. */
  private readonly compiled = new WeakMap<object, Map<string | null, Compiled | null>>();

  constructor(private readonly schema: GraphQLSchema) {}

  execute(prepared: PreparedOperation, contextValue: unknown): ExecutionResult | Promise<ExecutionResult> {
    const compiled = this.compiledFor(prepared);
    if (compiled) return compiled.query(undefined, contextValue, prepared.variableValues) as ExecutionResult | Promise<ExecutionResult>;
    return execute({
      schema: this.schema,
      document: prepared.document,
      operationName: prepared.operationName,
      variableValues: prepared.variableValues,
      contextValue,
    });
  }

  private compiledFor(prepared: PreparedOperation): Compiled | null {
    let byName = this.compiled.get(prepared.document);
    if (!byName) this.compiled.set(prepared.document, (byName = new Map()));
    let compiled = byName.get(prepared.operationName);
    if (compiled === undefined) {
      const result = compileQuery(this.schema, prepared.document, prepared.operationName ?? undefined);
      compiled = isCompiledQuery(result) ? (result as Compiled) : null;
      byName.set(prepared.operationName, compiled);
    }
    return compiled;
  }
}
