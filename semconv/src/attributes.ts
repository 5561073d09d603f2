// Attribute, event and value names of every convention Beacon reads. Names are copied from the emitters'
// sources (OTel GenAI semconv, @arizeai/openinference-semantic-conventions, @traceloop/ai-semantic-conventions,
// the Vercel AI SDK `ai` package) so that a typo cannot silently drop data.

/** OTel GenAI attributes, current names (semantic-conventions-genai). */
export const GEN_AI = {
  OPERATION_NAME: 'gen_ai.operation.name',
  PROVIDER_NAME: 'gen_ai.provider.name',
  REQUEST_MODEL: 'gen_ai.request.model',
  REQUEST_MAX_TOKENS: 'gen_ai.request.max_tokens',
  REQUEST_TEMPERATURE: 'gen_ai.request.temperature',
  REQUEST_TOP_P: 'gen_ai.request.top_p',
  REQUEST_TOP_K: 'gen_ai.request.top_k',
  REQUEST_SEED: 'gen_ai.request.seed',
  REQUEST_STOP_SEQUENCES: 'gen_ai.request.stop_sequences',
  REQUEST_STREAM: 'gen_ai.request.stream',
  REQUEST_CHOICE_COUNT: 'gen_ai.request.choice.count',
  RESPONSE_MODEL: 'gen_ai.response.model',
  RESPONSE_ID: 'gen_ai.response.id',
  RESPONSE_FINISH_REASONS: 'gen_ai.response.finish_reasons',
  RESPONSE_TIME_TO_FIRST_CHUNK: 'gen_ai.response.time_to_first_chunk',
  OUTPUT_TYPE: 'gen_ai.output.type',
  CONVERSATION_ID: 'gen_ai.conversation.id',
  AGENT_ID: 'gen_ai.agent.id',
  AGENT_NAME: 'gen_ai.agent.name',
  AGENT_DESCRIPTION: 'gen_ai.agent.description',
  AGENT_VERSION: 'gen_ai.agent.version',
  WORKFLOW_NAME: 'gen_ai.workflow.name',
  TOOL_NAME: 'gen_ai.tool.name',
  TOOL_CALL_ID: 'gen_ai.tool.call.id',
  TOOL_TYPE: 'gen_ai.tool.type',
  TOOL_DESCRIPTION: 'gen_ai.tool.description',
  TOOL_CALL_ARGUMENTS: 'gen_ai.tool.call.arguments',
  TOOL_CALL_RESULT: 'gen_ai.tool.call.result',
  TOOL_DEFINITIONS: 'gen_ai.tool.definitions',
  DATA_SOURCE_ID: 'gen_ai.data_source.id',
  EMBEDDINGS_DIMENSION_COUNT: 'gen_ai.embeddings.dimension.count',
  USAGE_INPUT_TOKENS: 'gen_ai.usage.input_tokens',
  USAGE_OUTPUT_TOKENS: 'gen_ai.usage.output_tokens',
  USAGE_CACHE_READ_INPUT_TOKENS: 'gen_ai.usage.cache_read.input_tokens',
  USAGE_CACHE_CREATION_INPUT_TOKENS: 'gen_ai.usage.cache_creation.input_tokens',
  USAGE_REASONING_OUTPUT_TOKENS: 'gen_ai.usage.reasoning.output_tokens',
  INPUT_MESSAGES: 'gen_ai.input.messages',
  OUTPUT_MESSAGES: 'gen_ai.output.messages',
  SYSTEM_INSTRUCTIONS: 'gen_ai.system_instructions',
} as const;

/** OTel GenAI names that were renamed or removed but are still emitted by instrumentations in the wild. */
export const GEN_AI_DEPRECATED = {
  /** → gen_ai.provider.name */
  SYSTEM: 'gen_ai.system',
  /** → gen_ai.usage.input_tokens */
  USAGE_PROMPT_TOKENS: 'gen_ai.usage.prompt_tokens',
  /** → gen_ai.usage.output_tokens */
  USAGE_COMPLETION_TOKENS: 'gen_ai.usage.completion_tokens',
  /** Whole prompt / completion as JSON (pre-events era); → gen_ai.input.messages / gen_ai.output.messages */
  PROMPT: 'gen_ai.prompt',
  COMPLETION: 'gen_ai.completion',
} as const;

/** Other error attribute names used across conventions. */
export const ERROR_TYPE = 'error.type';
export const EXCEPTION_EVENT = 'exception';
export const EXCEPTION_TYPE = 'exception.type';

/** OTel GenAI span/log event names. */
export const GEN_AI_EVENTS = {
  INFERENCE_OPERATION_DETAILS: 'gen_ai.client.inference.operation.details',
  /** Deprecated per-message events (the body moved to gen_ai.input.messages / gen_ai.output.messages). */
  SYSTEM_MESSAGE: 'gen_ai.system.message',
  USER_MESSAGE: 'gen_ai.user.message',
  ASSISTANT_MESSAGE: 'gen_ai.assistant.message',
  TOOL_MESSAGE: 'gen_ai.tool.message',
  CHOICE: 'gen_ai.choice',
  /** Older still: span events carrying gen_ai.prompt / gen_ai.completion as JSON. */
  CONTENT_PROMPT: 'gen_ai.content.prompt',
  CONTENT_COMPLETION: 'gen_ai.content.completion',
} as const;

/** OTel `gen_ai.operation.name` values. */
export const OPERATION = {
  CHAT: 'chat',
  TEXT_COMPLETION: 'text_completion',
  GENERATE_CONTENT: 'generate_content',
  EMBEDDINGS: 'embeddings',
  RETRIEVAL: 'retrieval',
  CREATE_AGENT: 'create_agent',
  INVOKE_AGENT: 'invoke_agent',
  EXECUTE_TOOL: 'execute_tool',
  INVOKE_WORKFLOW: 'invoke_workflow',
  /** Not OTel values, but seen from OpenInference / OpenLLMetry / Vercel AI; kept verbatim. */
  RERANK: 'rerank',
} as const;

/** OTel `gen_ai.provider.name` values (current). */
export const PROVIDER = {
  OPENAI: 'openai',
  ANTHROPIC: 'anthropic',
  AWS_BEDROCK: 'aws.bedrock',
  AZURE_AI_OPENAI: 'azure.ai.openai',
  AZURE_AI_INFERENCE: 'azure.ai.inference',
  GCP_GEMINI: 'gcp.gemini',
  GCP_VERTEX_AI: 'gcp.vertex_ai',
  GCP_GEN_AI: 'gcp.gen_ai',
  COHERE: 'cohere',
  DEEPSEEK: 'deepseek',
  GROQ: 'groq',
  MISTRAL_AI: 'mistral_ai',
  MOONSHOT_AI: 'moonshot_ai',
  IBM_WATSONX_AI: 'ibm.watsonx.ai',
  PERPLEXITY: 'perplexity',
  X_AI: 'x_ai',
} as const;

/** Deprecated `gen_ai.system` values that changed spelling. */
export const PROVIDER_DEPRECATED = {
  AZ_AI_OPENAI: 'az.ai.openai',
  AZ_AI_INFERENCE: 'az.ai.inference',
  VERTEX_AI: 'vertex_ai',
  GEMINI: 'gemini',
  XAI: 'xai',
} as const;

/** OpenInference (Arize) attributes. Flattened lists use `<prefix>.<index>.<suffix>`. */
export const OPENINFERENCE = {
  SPAN_KIND: 'openinference.span.kind',
  INPUT_VALUE: 'input.value',
  INPUT_MIME_TYPE: 'input.mime_type',
  OUTPUT_VALUE: 'output.value',
  OUTPUT_MIME_TYPE: 'output.mime_type',
  LLM_PROVIDER: 'llm.provider',
  LLM_SYSTEM: 'llm.system',
  LLM_MODEL_NAME: 'llm.model_name',
  LLM_REQUEST_MODEL_NAME: 'llm.request.model_name',
  LLM_RESPONSE_MODEL_NAME: 'llm.response.model_name',
  LLM_INVOCATION_PARAMETERS: 'llm.invocation_parameters',
  LLM_INPUT_MESSAGES: 'llm.input_messages',
  LLM_OUTPUT_MESSAGES: 'llm.output_messages',
  LLM_PROMPTS: 'llm.prompts',
  LLM_TOOLS: 'llm.tools',
  LLM_FINISH_REASON: 'llm.finish_reason',
  LLM_TOKEN_COUNT_PROMPT: 'llm.token_count.prompt',
  LLM_TOKEN_COUNT_COMPLETION: 'llm.token_count.completion',
  LLM_TOKEN_COUNT_TOTAL: 'llm.token_count.total',
  LLM_TOKEN_COUNT_PROMPT_CACHE_READ: 'llm.token_count.prompt_details.cache_read',
  LLM_TOKEN_COUNT_PROMPT_CACHE_WRITE: 'llm.token_count.prompt_details.cache_write',
  LLM_TOKEN_COUNT_COMPLETION_REASONING: 'llm.token_count.completion_details.reasoning',
  LLM_COST_PROMPT: 'llm.cost.prompt',
  LLM_COST_COMPLETION: 'llm.cost.completion',
  LLM_COST_TOTAL: 'llm.cost.total',
  EMBEDDING_MODEL_NAME: 'embedding.model_name',
  RERANKER_MODEL_NAME: 'reranker.model_name',
  TOOL_NAME: 'tool.name',
  TOOL_ID: 'tool.id',
  TOOL_DESCRIPTION: 'tool.description',
  TOOL_PARAMETERS: 'tool.parameters',
  AGENT_NAME: 'agent.name',
  SESSION_ID: 'session.id',
  USER_ID: 'user.id',
  GRAPH_NODE_NAME: 'graph.node.name',
  /** Suffixes inside one flattened message. */
  MESSAGE_ROLE: 'message.role',
  MESSAGE_CONTENT: 'message.content',
  MESSAGE_CONTENTS: 'message.contents',
  MESSAGE_NAME: 'message.name',
  MESSAGE_TOOL_CALLS: 'message.tool_calls',
  MESSAGE_TOOL_CALL_ID: 'message.tool_call_id',
  MESSAGE_FUNCTION_CALL_NAME: 'message.function_call_name',
  MESSAGE_FUNCTION_CALL_ARGUMENTS: 'message.function_call_arguments_json',
  MESSAGE_CONTENT_TYPE: 'message_content.type',
  MESSAGE_CONTENT_TEXT: 'message_content.text',
  MESSAGE_CONTENT_IMAGE_URL: 'message_content.image.image.url',
  TOOL_CALL_ID: 'tool_call.id',
  TOOL_CALL_FUNCTION_NAME: 'tool_call.function.name',
  TOOL_CALL_FUNCTION_ARGUMENTS: 'tool_call.function.arguments',
} as const;

/** `openinference.span.kind` values. */
export const OPENINFERENCE_SPAN_KIND = {
  LLM: 'LLM',
  CHAIN: 'CHAIN',
  TOOL: 'TOOL',
  RETRIEVER: 'RETRIEVER',
  RERANKER: 'RERANKER',
  EMBEDDING: 'EMBEDDING',
  AGENT: 'AGENT',
  GUARDRAIL: 'GUARDRAIL',
  EVALUATOR: 'EVALUATOR',
  PROMPT: 'PROMPT',
} as const;

/** OpenLLMetry / Traceloop attributes (legacy flattened names; newer versions emit OTel current names). */
export const OPENLLMETRY = {
  SPAN_KIND: 'traceloop.span.kind',
  WORKFLOW_NAME: 'traceloop.workflow.name',
  ENTITY_NAME: 'traceloop.entity.name',
  ENTITY_PATH: 'traceloop.entity.path',
  ENTITY_INPUT: 'traceloop.entity.input',
  ENTITY_OUTPUT: 'traceloop.entity.output',
  ASSOCIATION_PROPERTIES: 'traceloop.association.properties',
  LLM_REQUEST_TYPE: 'llm.request.type',
  LLM_USAGE_TOTAL_TOKENS: 'llm.usage.total_tokens',
  USAGE_TOTAL_TOKENS: 'gen_ai.usage.total_tokens',
  USAGE_CACHE_READ_INPUT_TOKENS: 'gen_ai.usage.cache_read_input_tokens',
  USAGE_CACHE_CREATION_INPUT_TOKENS: 'gen_ai.usage.cache_creation_input_tokens',
  USAGE_REASONING_TOKENS: 'gen_ai.usage.reasoning_tokens',
  /** Flattened: gen_ai.prompt.<i>.role|content|tool_call_id|tool_calls.<j>.id|name|arguments */
  PROMPT_PREFIX: 'gen_ai.prompt',
  /** Flattened: gen_ai.completion.<i>.role|content|finish_reason|tool_calls.<j>.* */
  COMPLETION_PREFIX: 'gen_ai.completion',
} as const;

/** `traceloop.span.kind` values. */
export const OPENLLMETRY_SPAN_KIND = {
  WORKFLOW: 'workflow',
  TASK: 'task',
  AGENT: 'agent',
  TOOL: 'tool',
  SESSION: 'session',
} as const;

/** `llm.request.type` values. */
export const OPENLLMETRY_REQUEST_TYPE = {
  CHAT: 'chat',
  COMPLETION: 'completion',
  EMBEDDING: 'embedding',
  RERANK: 'rerank',
} as const;

/** Vercel AI SDK (`ai` package) telemetry attributes. */
export const VERCEL_AI = {
  OPERATION_ID: 'ai.operationId',
  FUNCTION_ID: 'ai.telemetry.functionId',
  METADATA_PREFIX: 'ai.telemetry.metadata.',
  MODEL_PROVIDER: 'ai.model.provider',
  MODEL_ID: 'ai.model.id',
  PROMPT: 'ai.prompt',
  PROMPT_MESSAGES: 'ai.prompt.messages',
  PROMPT_TOOLS: 'ai.prompt.tools',
  RESPONSE_TEXT: 'ai.response.text',
  RESPONSE_REASONING: 'ai.response.reasoning',
  RESPONSE_OBJECT: 'ai.response.object',
  RESPONSE_TOOL_CALLS: 'ai.response.toolCalls',
  RESPONSE_FINISH_REASON: 'ai.response.finishReason',
  RESPONSE_ID: 'ai.response.id',
  RESPONSE_MODEL: 'ai.response.model',
  RESPONSE_MS_TO_FIRST_CHUNK: 'ai.response.msToFirstChunk',
  USAGE_INPUT_TOKENS: 'ai.usage.inputTokens',
  USAGE_OUTPUT_TOKENS: 'ai.usage.outputTokens',
  USAGE_TOTAL_TOKENS: 'ai.usage.totalTokens',
  USAGE_REASONING_TOKENS: 'ai.usage.reasoningTokens',
  USAGE_CACHED_INPUT_TOKENS: 'ai.usage.cachedInputTokens',
  USAGE_INPUT_NO_CACHE_TOKENS: 'ai.usage.inputTokenDetails.noCacheTokens',
  USAGE_INPUT_CACHE_READ_TOKENS: 'ai.usage.inputTokenDetails.cacheReadTokens',
  USAGE_INPUT_CACHE_WRITE_TOKENS: 'ai.usage.inputTokenDetails.cacheWriteTokens',
  USAGE_OUTPUT_REASONING_TOKENS: 'ai.usage.outputTokenDetails.reasoningTokens',
  /** AI SDK ≤ 4 names. */
  USAGE_PROMPT_TOKENS: 'ai.usage.promptTokens',
  USAGE_COMPLETION_TOKENS: 'ai.usage.completionTokens',
  /** Embedding calls. */
  USAGE_TOKENS: 'ai.usage.tokens',
  TOOL_CALL_NAME: 'ai.toolCall.name',
  TOOL_CALL_ID: 'ai.toolCall.id',
  TOOL_CALL_ARGS: 'ai.toolCall.args',
  TOOL_CALL_RESULT: 'ai.toolCall.result',
} as const;

/** Vercel AI SDK span names (= `ai.operationId`). */
export const VERCEL_AI_SPAN = {
  GENERATE_TEXT: 'ai.generateText',
  GENERATE_TEXT_DO_GENERATE: 'ai.generateText.doGenerate',
  STREAM_TEXT: 'ai.streamText',
  STREAM_TEXT_DO_STREAM: 'ai.streamText.doStream',
  GENERATE_OBJECT: 'ai.generateObject',
  GENERATE_OBJECT_DO_GENERATE: 'ai.generateObject.doGenerate',
  STREAM_OBJECT: 'ai.streamObject',
  STREAM_OBJECT_DO_STREAM: 'ai.streamObject.doStream',
  EMBED: 'ai.embed',
  EMBED_DO_EMBED: 'ai.embed.doEmbed',
  EMBED_MANY: 'ai.embedMany',
  EMBED_MANY_DO_EMBED: 'ai.embedMany.doEmbed',
  RERANK: 'ai.rerank',
  RERANK_DO_RERANK: 'ai.rerank.doRerank',
  TOOL_CALL: 'ai.toolCall',
} as const;

/** The span event @beacon/sdk's AgentGuard records when it stops a run (the collector counts it), and its attributes. */
export const BEACON_GUARD_EVENT = 'beacon.guard.triggered';
export const BEACON_GUARD_ATTRIBUTES = {
  NAME: 'beacon.guard.name',
  LIMIT: 'beacon.guard.limit',
  OBSERVED: 'beacon.guard.observed',
  /** 'run' or 'agent': which budget was exceeded. */
  SCOPE: 'beacon.guard.scope',
  AGENT: 'beacon.guard.agent',
  TOOL: 'beacon.guard.tool',
} as const;
