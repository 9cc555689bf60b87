/** The handful of Mattermost REST calls the sandbox and the proof tests need, with clear errors. */
export class MattermostRest {
  readonly url: string;
  readonly token: string | undefined;

  constructor(url: string, token?: string) {
    this.url = url;
    this.token = token;
  }

  withToken(token: string): MattermostRest {
    return new MattermostRest(this.url, token);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<{ data: T; headers: Headers }> {
    const response = await fetch(`${this.url}/api/v4${path}`, {
      method,
      headers: {
        'Content-Type': 'application/json',
        'X-Requested-With': 'XMLHttpRequest',
        ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Mattermost ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return { data: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.request<T>(method, path, body)).data;
  }
}
