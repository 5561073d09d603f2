// Attribute and value names more than one convention reads: OTel GenAI names (current and deprecated; other
// conventions' spans repeat them), operation and provider values, error names, Beacon's own guard event.
// Each convention's own names live in its file under conventions/. Names are copied from the emitters' sources
// (OTel GenAI semconv, @arizeai/openinference-semantic-conventions, @traceloop/ai-semantic-conventions, the
// Vercel AI SDK `ai` package) so that a typo cannot silently drop data.

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
