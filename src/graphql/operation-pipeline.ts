import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ParseOptions,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config.js';
import { RequestRejectedError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createErrorFormatter, type ErrorFormatter } from './error-formatter.js';

/** graphql-armor's rules report through the validation context, like graphql-js's own rules. */
const report = { propagateOnRejection: false, onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)] };

/** `_service { sdl }` hands out the whole schema; only the router needs it. */
const RouterOnlyFieldsRule: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '_service' && context.getParentType() === context.getSchema().getQueryType()) {
      context.reportError(new GraphQLError('Cannot query field "_service": it is served to the router only', { nodes: node }));
    }
  },
});

function limitRules(config: Config['graphql']): ValidationRule[] {
  return [
    maxDepthRule({ n: config.maxDepth, ...report }),
    maxAliasesRule({ n: config.maxAliases, ...report }),
    costLimitRule({ maxCost: config.maxCost, ...report }),
    maxDirectivesRule({ n: config.maxDirectives, ...report }),
  ] as unknown as ValidationRule[];
}

export interface OperationRequest {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
}

/** An operation that passed every check, ready for graphql-js to execute or subscribe. */
export interface PreparedOperation {
  /** The same object for the same query text while it stays cached: a key for what is derived from it. */
  document: DocumentNode;
  operation: OperationDefinitionNode;
  operationName: string | null;
  variableValues: Record<string, unknown>;
}

/**
 * What every operation goes through, whatever its transport: the token limit while
 * parsing; depth, alias, cost and directive limits, the introspection ban and
 * router-only fields while validating; and one error formatter (masking, logging,
 * no schema suggestions in production). Apollo Server runs it for HTTP (`apolloOptions`);
 * graphql-ws runs it through `prepare` and `format*`.
 */
/** Query texts whose parsed and validated document is kept (as Apollo Server's document store does). */
const DOCUMENTS_KEPT = 1000;

export class OperationPipeline {
  readonly parseOptions: ParseOptions;
  /**
   * Documents that passed parsing and validation, by query text: every rule is
   * deterministic for a text and the schema, so a repeated query skips both.
   */
  private readonly validDocuments = new LRUCache<string, DocumentNode>({ max: DOCUMENTS_KEPT });
  /** Besides graphql-js's specified rules. */
  readonly validationRules: readonly ValidationRule[];
  readonly formatError: ErrorFormatter;

  constructor(
    config: Config['graphql'],
    logger: Logger,
    private readonly observe: { onLookup?: (hit: boolean) => void } = {},
  ) {
    this.parseOptions = { maxTokens: config.maxTokens };
    this.validationRules = [
      ...limitRules(config),
      ...(config.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
      ...(config.federationInternals ? [] : [RouterOnlyFieldsRule]),
    ];
    this.formatError = createErrorFormatter(logger, { hideSuggestions: config.hideSuggestions });
  }

  /** The parts of Apollo Server's options that carry this pipeline. */
  get apolloOptions() {
    return { parseOptions: this.parseOptions, validationRules: [...this.validationRules], formatError: this.formatError };
  }

  /**
   * Parse → validate → pick the operation → coerce variables, with the codes Apollo
   * Server gives each failure over HTTP; the errors are unformatted.
   */
  prepare(schema: GraphQLSchema, request: OperationRequest, options: { checkVariables: boolean } = { checkVariables: true }): PreparedOperation | GraphQLError[] {
    if (typeof request.query !== 'string' || request.query.trim() === '') {
      return [new GraphQLError('GraphQL operations must contain a non-empty `query`', { extensions: { code: 'BAD_REQUEST' } })];
    }
    const document = this.validDocument(schema, request.query);
    if (Array.isArray(document)) return document;
    const operationName = typeof request.operationName === 'string' ? request.operationName : null;
    const operation = getOperationAST(document, operationName);
    if (!operation) {
      const message = operationName ? `Unknown operation named "${operationName}".` : 'Must provide operation name if query contains multiple operations.';
      return [new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
    }
    const variables = request.variables ?? {};
    if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
      return [new GraphQLError('`variables` must be an object', { extensions: { code: 'BAD_REQUEST' } })];
    }
    const prepared = { document, operation, operationName, variableValues: variables as Record<string, unknown> };
    if (!options.checkVariables) return prepared;
    const problems = this.variableProblems(schema, prepared);
    return problems.length > 0 ? problems : prepared;
  }

  /**
   * Why the operation's variables do not fit its definitions (none when they do). Left to
   * the caller by `prepare(…, { checkVariables: false })` when it can serve an answer
   * already given to the same variables, which were checked then.
   */
  variableProblems(schema: GraphQLSchema, prepared: PreparedOperation): GraphQLError[] {
    const coerced = getVariableValues(schema, prepared.operation.variableDefinitions ?? [], prepared.variableValues, { maxErrors: 50 });
    return coerced.errors ? coerced.errors.map((error) => new RequestRejectedError(error, 'BAD_USER_INPUT')) : [];
  }

  /** The parsed and validated document of `query`, or why it is refused. */
  private validDocument(schema: GraphQLSchema, query: string): DocumentNode | GraphQLError[] {
    const known = this.validDocuments.get(query);
    this.observe.onLookup?.(known !== undefined);
    if (known) return known;
    let document: DocumentNode;
    try {
      document = parse(query, this.parseOptions);
    } catch (error) {
      if (error instanceof GraphQLError) return [new RequestRejectedError(error, 'GRAPHQL_PARSE_FAILED')];
      throw error;
    }
    const invalid = validate(schema, document, [...specifiedRules, ...this.validationRules]);
    if (invalid.length > 0) return invalid.map((error) => new RequestRejectedError(error, 'GRAPHQL_VALIDATION_FAILED'));
    this.validDocuments.set(query, document);
    return document;
  }

  formatErrors(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
    return errors.map((error) => this.formatError(error.toJSON(), error));
  }

  formatResult(result: ExecutionResult): FormattedExecutionResult {
    const { errors, ...rest } = result;
    return errors?.length ? { ...rest, errors: this.formatErrors(errors) } : rest;
  }
}
