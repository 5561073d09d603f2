// Provider names as every convention spells them → OTel `gen_ai.provider.name` values.
import { PROVIDER } from './attributes.js';

/**
 * Aliases, lower-case. Sources: deprecated gen_ai.system values (az.ai.*, vertex_ai, gemini, xai), OpenInference
 * llm.provider / llm.system (aws, azure, google, vertexai, mistralai, moonshot), OpenLLMetry gen_ai.system
 * (OpenAI, Anthropic, AWS, Azure, VertexAI), Vercel AI ai.model.provider prefixes (amazon-bedrock,
 * google.generative-ai, google.vertex, azure, xai, togetherai).
 * Providers without an OTel value keep a stable lower-case name (ollama, together, fireworks, ...).
 */
const PROVIDER_ALIASES: Record<string, string> = {
  openai: PROVIDER.OPENAI,
  anthropic: PROVIDER.ANTHROPIC,
  'aws.bedrock': PROVIDER.AWS_BEDROCK,
  aws: PROVIDER.AWS_BEDROCK,
  bedrock: PROVIDER.AWS_BEDROCK,
  'amazon-bedrock': PROVIDER.AWS_BEDROCK,
  amazon: PROVIDER.AWS_BEDROCK,
  aws_bedrock: PROVIDER.AWS_BEDROCK,
  'azure.ai.openai': PROVIDER.AZURE_AI_OPENAI,
  'az.ai.openai': PROVIDER.AZURE_AI_OPENAI,
  azure: PROVIDER.AZURE_AI_OPENAI,
  'azure-openai': PROVIDER.AZURE_AI_OPENAI,
  azure_openai: PROVIDER.AZURE_AI_OPENAI,
  azureopenai: PROVIDER.AZURE_AI_OPENAI,
  'azure.ai.inference': PROVIDER.AZURE_AI_INFERENCE,
  'az.ai.inference': PROVIDER.AZURE_AI_INFERENCE,
  'gcp.gemini': PROVIDER.GCP_GEMINI,
  gemini: PROVIDER.GCP_GEMINI,
  'google.generative-ai': PROVIDER.GCP_GEMINI,
  'google-generative-ai': PROVIDER.GCP_GEMINI,
  google_genai: PROVIDER.GCP_GEMINI,
  'gcp.vertex_ai': PROVIDER.GCP_VERTEX_AI,
  vertex_ai: PROVIDER.GCP_VERTEX_AI,
  vertexai: PROVIDER.GCP_VERTEX_AI,
  'vertex ai': PROVIDER.GCP_VERTEX_AI,
  vertex: PROVIDER.GCP_VERTEX_AI,
  'google.vertex': PROVIDER.GCP_VERTEX_AI,
  'google-vertex': PROVIDER.GCP_VERTEX_AI,
  'gcp.gen_ai': PROVIDER.GCP_GEN_AI,
  // Bare "google" does not say which API (Gemini Developer API or Vertex); OTel's catch-all fits.
  google: PROVIDER.GCP_GEN_AI,
  cohere: PROVIDER.COHERE,
  deepseek: PROVIDER.DEEPSEEK,
  groq: PROVIDER.GROQ,
  mistral_ai: PROVIDER.MISTRAL_AI,
  mistralai: PROVIDER.MISTRAL_AI,
  mistral: PROVIDER.MISTRAL_AI,
  moonshot_ai: PROVIDER.MOONSHOT_AI,
  moonshotai: PROVIDER.MOONSHOT_AI,
  moonshot: PROVIDER.MOONSHOT_AI,
  'ibm.watsonx.ai': PROVIDER.IBM_WATSONX_AI,
  watsonx: PROVIDER.IBM_WATSONX_AI,
  perplexity: PROVIDER.PERPLEXITY,
  x_ai: PROVIDER.X_AI,
  xai: PROVIDER.X_AI,
  'x-ai': PROVIDER.X_AI,
  together: 'together',
  togetherai: 'together',
  together_ai: 'together',
  'together-ai': 'together',
  fireworks: 'fireworks',
  cerebras: 'cerebras',
  ollama: 'ollama',
  openrouter: 'openrouter',
};

/** Vercel AI SDK provider ids end in the API flavour (`openai.chat`, `anthropic.messages`); it is not the provider. */
const API_FLAVOUR_SUFFIX =
  /\.(chat|completion|completions|responses|messages|embedding|image|transcription|speech)$/;

/**
 * Normalizes a provider name from any convention to the OTel `gen_ai.provider.name` value. Dotted names are
 * matched longest prefix first, so `google.vertex.chat` → gcp.vertex_ai and `vertex.anthropic.messages` →
 * gcp.vertex_ai (Claude on Vertex is billed by Google). Unknown names are kept, lower-cased.
 */
export function normalizeProviderName(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const name = raw.trim().toLowerCase();
  if (name === '') return null;
  const exact = PROVIDER_ALIASES[name];
  if (exact) return exact;
  const parts = name.split('.');
  for (let i = parts.length - 1; i >= 1; i--) {
    const alias = PROVIDER_ALIASES[parts.slice(0, i).join('.')];
    if (alias) return alias;
  }
  return name.replace(API_FLAVOUR_SUFFIX, '');
}
