# One image for the API and the worker; docker-compose.yml picks the command.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund --loglevel=error
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# tsc emits code only; the assistant's training set and help articles ship beside it.
COPY --from=build /app/lib/assistant/data ./dist/lib/assistant/data
COPY --from=build /app/package.json ./
USER node
EXPOSE 3000
CMD ["node", "dist/api/main.js"]
