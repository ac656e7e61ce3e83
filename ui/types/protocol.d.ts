// The Placet protocol as `placet-client` hands it to pages: reviews with the payload of
// the renderer Rust chose (`renderAs`), attachments, agents, the session state, and the
// answers pages send back. Written by hand from crates/placet-client/src/protocol and
// answer.rs; the app's own IPC types are generated (bindings.d.ts).

export type OptionStyle = 'primary' | 'danger' | 'secondary' | 'ghost' | 'default';
export type ApprovalOption = { id: string; label: string; style: OptionStyle };
export type ApprovalPayload = { options: ApprovalOption[]; allowComment: boolean };

export type SelectionItem = { id: string; label: string; description?: string | null };
export type SelectionPayload = {
  mode: 'single' | 'multi';
  items: SelectionItem[];
  submitLabel: string;
  dismissLabel?: string | null;
};

export type FieldType =
  | 'text' | 'number' | 'email' | 'url' | 'textarea' | 'select' | 'checkbox' | 'date'
  | 'time' | 'datetime' | 'range' | 'password';
export type FieldValue = string | number | boolean;
export type FormField = {
  name: string;
  type: FieldType;
  label?: string | null;
  required: boolean;
  options: { label: string; value: string }[];
  min?: number | null;
  max?: number | null;
  step?: number | null;
  unit?: string | null;
  defaultValue?: unknown;
  description?: string | null;
  placeholder?: string | null;
};
export type FormPayload = { fields: FormField[]; submitLabel: string; dismissLabel?: string | null };

export type TextInputPayload = {
  placeholder?: string | null;
  prefill?: string | null;
  markdown: boolean;
  minLength?: number | null;
  maxLength?: number | null;
  submitLabel: string;
  dismissLabel?: string | null;
};

/**
 * The renderer of a review. `external`: a review this app cannot answer faithfully (drawn
 * by a plugin of Placet's web app, a type it does not know, or a known type whose payload
 * does not fit); it is shown and sent to Placet's web app, never answered here.
 */
export type RenderAs = 'approval' | 'selection' | 'form' | 'text-input' | 'freeform' | 'external';
export type ReviewStatus = 'pending' | 'completed' | 'expired' | 'other';

/**
 * A review as Rust normalised it (`ReviewOut` in placet-client's protocol/review.rs):
 * `renderAs` says which renderer to use; the payload has the shape of that renderer (any
 * JSON for freeform and external).
 */
export type Review = {
  type: string;
  renderAs: RenderAs;
  payload: any;
  status: ReviewStatus;
  /** The plugin of Placet's web app that draws it (external reviews only). */
  plugin?: string;
  /** Why this app cannot answer it, for the person (external reviews only). */
  notAnswerable?: string;
  /** A freeform payload's `schema`: a hint for the answer, shown as text. */
  schema?: unknown;
  response?: unknown;
  expiresAt: string | null;
  completedAt?: string | null;
  feedback?: string | null;
};

export type Attachment = { id: string; filename: string; mimeType?: string | null; size?: number | null };

/**
 * What the person decided; Rust validates it against the review and builds the JSON the
 * official web UI sends.
 */
export type Answer =
  | { kind: 'approval'; optionId: string; comment?: string }
  | { kind: 'selection'; ids: string[] }
  | { kind: 'form'; values: Record<string, FieldValue> }
  | { kind: 'text'; text: string }
  | { kind: 'freeform'; object: Record<string, unknown> }
  | { kind: 'dismiss' };

export type AgentStatus = 'active' | 'busy' | 'error' | 'offline' | 'other';

export type SessionState = {
  state: 'signedOut' | 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'authExpired';
  since?: string;
  attempt?: number;
  retryAt?: string;
  reason?: string;
};
